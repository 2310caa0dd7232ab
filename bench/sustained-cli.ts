/** `npm run bench:sustained -- --rate 10 --seconds 1800 --ttl 20 [--churn 60]`: the sustained-load row alone. */
import { benchSustained, formatSustained, sustainedOptionsFrom } from './sustained.js';

const options = sustainedOptionsFrom(process.argv.slice(2), process.env, { rate: 10, seconds: 1800, ttlSeconds: 20 });
const result = await benchSustained(options, (line) => console.log(line));
for (const line of formatSustained(options, result)) console.log(line);
