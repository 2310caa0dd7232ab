/** `npm run bench:traffic`: only the traffic rows of `npm run bench`. */
import { benchTraffic } from './traffic.js';

for (const line of await benchTraffic()) console.log(line);
