/**
 * The traffic part of the composition (issue 12): the sampler's store, timer and chart drawer, built
 * from the configuration. app.ts creates it after the chat hub and starts/stops it with the bot.
 */
import { join } from 'node:path';
import { chartFonts, DEFAULT_CHART_FONTS, renderChartPng } from './chart/render.js';
import { CHART_WIDTH } from './core/traffic-chart.js';
import type { Notifier } from './core/notifier.js';
import type { TrafficCommands } from './core/services.js';
import { TrafficService, type TrafficPeers } from './core/traffic-service.js';
import type { Config } from './config/index.js';
import type { CommandRunner } from './exec/runner.js';
import type { Logger } from './log/logger.js';
import { openTrafficStore } from './store/traffic-store.js';

export interface TrafficPart {
  service: TrafficService;
  commands: TrafficCommands;
  /** Loads the saved totals. */
  start(): Promise<void>;
  /** Samples now and then every TRAFFIC_SAMPLE_SECONDS (called last at start: its first `wg` answer is parsed after "ready"). */
  run(): void;
  stop(): Promise<void>;
}

export function createTrafficPart(
  config: Config,
  deps: { peers: TrafficPeers; notifier: Notifier; logger: Logger; now: () => Date; runner: CommandRunner },
): TrafficPart | undefined {
  const t = config.traffic;
  if (t.TRAFFIC_SAMPLE_SECONDS === 0) return undefined;
  const service = new TrafficService({
    store: openTrafficStore(join(config.dataDir, 'traffic')),
    peers: deps.peers,
    notifier: deps.notifier,
    logger: deps.logger,
    now: deps.now,
    settings: {
      sampleSeconds: t.TRAFFIC_SAMPLE_SECONDS ?? 60,
      flushSeconds: t.TRAFFIC_FLUSH_SECONDS ?? 300,
      quotaResetDay: t.QUOTA_RESET_DAY ?? 1,
      ...(t.TZ ? { timeZone: t.TZ } : {}),
      presence: {
        onlineSeconds: t.ONLINE_SECONDS ?? 180,
        graceSeconds: t.OFFLINE_GRACE_SECONDS ?? 120,
        debounceSeconds: t.NOTIFY_DEBOUNCE_SECONDS ?? 600,
      },
    },
  });
  const fontPaths = t.CHART_FONTS.length > 0 ? t.CHART_FONTS : DEFAULT_CHART_FONTS;
  const commands: TrafficCommands = {
    service,
    font: 'DejaVu Sans, IPAGothic, VL Gothic, TakaoGothic, Noto Sans CJK JP, sans-serif',
    async drawChart(spec) {
      const fonts = chartFonts(fontPaths);
      if (fonts.length === 0) {
        deps.logger.warn(`no chart font found (looked for ${fontPaths.join(', ')}): /traffic answers in text only`);
        return undefined;
      }
      // A chart that cannot be drawn still leaves the totals: logged, answered in text.
      return renderChartPng(deps.runner, spec, { fonts, family: 'DejaVu Sans', width: CHART_WIDTH }).catch((error: unknown) => {
        deps.logger.error('traffic: drawing a chart failed', { error });
        return undefined;
      });
    },
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  return {
    service,
    commands,
    start: () => service.start(),
    run() {
      if (deps.peers.offline) return;
      const tick = () => {
        running = service.sample().catch((error) => deps.logger.warn('traffic: sampling failed', { error }));
      };
      tick();
      timer = setInterval(tick, (t.TRAFFIC_SAMPLE_SECONDS ?? 60) * 1000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      await service.flush().catch((error) => deps.logger.warn('traffic: saving the history failed', { error }));
    },
  };
}
