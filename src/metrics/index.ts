export { createMetrics, type Metrics, type MetricsSource } from './exporter.js';
export { startMetricsServer, type MetricsServer } from './server.js';
