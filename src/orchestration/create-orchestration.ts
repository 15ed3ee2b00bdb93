/**
 * The whole service layer as one object: every area's service spread together, with method
 * names and signatures exactly those of `OrchestrationApi` (minus `subscribe`/`close`, which the
 * clients build from the event bus and `openOrchestration`'s `close`). The in-process client and
 * the HTTP server's routes call this same object.
 */
import { systemClock, type Clock } from "../core/clock.js";
import { openDatabase } from "../db/open-database.js";
import { createArtifactService } from "./artifact-service.js";
import { createAutomationService } from "./automation-service.js";
import { createBackfillService } from "./backfill-service.js";
import { createClaimService } from "./claim-service.js";
import { createConcurrencyLimitService } from "./concurrency-limit-service.js";
import { createDeploymentService } from "./deployment-service.js";
import { createEventBus, type EventBus } from "./event-bus.js";
import { createEventService } from "./event-service.js";
import { createEventRelay } from "./event-relay.js";
import { createFlowRunService } from "./flow-run-service.js";
import { createFlowRunStateService } from "./flow-run-state-service.js";
import { createFlowService } from "./flow-service.js";
import { createLogService } from "./log-service.js";
import { createNotificationService } from "./notifications/notification-service.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { createResultService } from "./result-service.js";
import { createTaskQueueService } from "./task-queue-service.js";
import { createTaskRunService } from "./task-run-service.js";
import { createVariableService } from "./variable-service.js";
import { createWorkPoolService } from "./work-pool-service.js";
import { createWorkerService } from "./worker-service.js";

/** Compose every area's service over one context. */
export function createOrchestration(ctx: OrchestrationContext) {
  return {
    ...createFlowService(ctx),
    ...createFlowRunService(ctx),
    ...createFlowRunStateService(ctx),
    ...createTaskRunService(ctx),
    ...createLogService(ctx),
    ...createArtifactService(ctx),
    ...createVariableService(ctx),
    ...createResultService(ctx),
    ...createConcurrencyLimitService(ctx),
    ...createDeploymentService(ctx),
    ...createBackfillService(ctx),
    ...createWorkPoolService(ctx),
    ...createWorkerService(ctx),
    ...createClaimService(ctx),
    ...createNotificationService(ctx),
    ...createEventService(ctx),
    ...createAutomationService(ctx),
    ...createTaskQueueService(ctx),
  };
}

/** The service layer: every OrchestrationApi method except `subscribe` and `close`. */
export type Orchestration = ReturnType<typeof createOrchestration>;

/** Options of `openOrchestration`. */
export interface OpenOrchestrationOptions {
  /** `sqlite:///abs/path.db` or `postgres://…[?schema=NAME]`. */
  databaseUrl: string;
  /** @default systemClock */
  clock?: Clock;
  /** @default a new bus */
  events?: EventBus;
  /** Relay events between processes through the database when it can (PostgreSQL NOTIFY). @default true */
  relayEvents?: boolean;
}

/** An opened service layer. */
export interface OpenedOrchestration {
  orchestration: Orchestration;
  context: OrchestrationContext;
  /** Close the database (idempotent). */
  close(): Promise<void>;
}

/** Open the database (running migrations) and build the service layer over it. */
export async function openOrchestration(options: OpenOrchestrationOptions): Promise<OpenedOrchestration> {
  const database = await openDatabase(options.databaseUrl);
  const localEvents = options.events ?? createEventBus();
  const relay = database.notifications && options.relayEvents !== false ? createEventRelay(localEvents, database.notifications) : null;
  const context: OrchestrationContext = { database, clock: options.clock ?? systemClock, events: relay?.bus ?? localEvents };
  const orchestration = createOrchestration(context);
  try {
    await relay?.start(orchestration);
  } catch (error) {
    await database.close();
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    orchestration,
    context,
    close: () => (closing ??= (async () => {
      await relay?.stop();
      await database.close();
    })()),
  };
}
