/**
 * Shared pieces of the services tests: a settable clock (the only fake), a service-layer
 * context over a fresh test database, and deployment helpers on DEPLOY's deployment service.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";

import type { Clock } from "../../src/core/clock.js";
import type { Deployment, ScheduleSpec } from "../../src/core/models.js";
import { openOrchestration, type OpenedOrchestration, type Orchestration } from "../../src/orchestration/create-orchestration.js";
import { createDeploymentService } from "../../src/orchestration/deployment-service.js";
import { createEventBus } from "../../src/orchestration/event-bus.js";
import type { OrchestrationContext } from "../../src/orchestration/orchestration-context.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

/** A clock tests move by hand. */
export interface ManualClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

/** A clock standing at `start` until moved. */
export function manualClock(start: Date | string): ManualClock {
  let nowMs = new Date(start).getTime();
  return {
    now: () => new Date(nowMs),
    set: (at) => void (nowMs = new Date(at).getTime()),
    advance: (ms) => void (nowMs += ms),
  };
}

/** A fresh database with one service layer open on it, and `count` contexts ("processes") over it. */
export interface ServiceTestBed {
  database: TestDatabase;
  clock: ManualClock;
  opened: OpenedOrchestration[];
  /**
   * One context per simulated process. PostgreSQL: each has its own connection pool (true
   * concurrency). SQLite: they share one connection, because better-sqlite3 blocks the whole
   * thread while it waits for another connection's write lock, so several connections in one
   * process would deadlock each other; their calls still interleave at every await.
   */
  contexts: OrchestrationContext[];
  close(): Promise<void>;
}

/** Open a test bed; call `close()` in afterAll. */
export async function openServiceTestBed(start: string, count = 1): Promise<ServiceTestBed> {
  const database = await createTestDatabase();
  const clock = manualClock(start);
  const opened: OpenedOrchestration[] = [await openOrchestration({ databaseUrl: database.url, clock })];
  const first = opened[0]!;
  const contexts: OrchestrationContext[] = [first.context];
  for (let index = 1; index < count; index++) {
    if (database.engine === "postgres") {
      const more = await openOrchestration({ databaseUrl: database.url, clock });
      opened.push(more);
      contexts.push(more.context);
    } else contexts.push({ database: first.context.database, clock, events: createEventBus() });
  }
  return {
    database,
    clock,
    opened,
    contexts,
    close: async () => {
      for (const each of opened) await each.close();
      await database.dispose();
    },
  };
}

/** A test bed opened before the file's tests (before each test with `perTest`) and closed after them. */
export interface UsedServiceTestBed {
  bed(): ServiceTestBed;
  /** The first process's orchestration API and context. */
  api(): Orchestration;
  ctx(): OrchestrationContext;
}

/** Open a test bed for the surrounding describe block; its accessors throw until it is open. */
export function useServiceTestBed(start: string, options: { perTest?: boolean } = {}): UsedServiceTestBed {
  let opened: ServiceTestBed | undefined;
  const [before, after] = options.perTest ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    opened = await openServiceTestBed(start);
  });
  after(async () => opened?.close());
  const bed = (): ServiceTestBed => {
    if (!opened) throw new Error("the service test bed is not open");
    return opened;
  };
  return { bed, api: () => bed().opened[0]!.orchestration, ctx: () => bed().opened[0]!.context };
}

/** Create a deployment of a fresh flow with one schedule. */
export async function deployWithSchedule(opened: OpenedOrchestration, name: string, schedule: ScheduleSpec | null, extra: { isPaused?: boolean; parameters?: Record<string, unknown> } = {}): Promise<Deployment> {
  return createDeploymentService(opened.context).upsertDeployment({
    name,
    flowName: `flow-${name}`,
    entrypoint: "flows.ts:flow",
    ...(schedule ? { schedules: [{ schedule, ...(extra.parameters ? { parameters: extra.parameters } : {}) }] } : {}),
    ...(extra.isPaused === undefined ? {} : { isPaused: extra.isPaused }),
  });
}
