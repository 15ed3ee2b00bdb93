/** Every migration, in order. Add a new file `NNN-name.ts` and list it here. */
import type { Migration } from "../migration.js";
import { initialSchema } from "./001-initial-schema.js";
import { deploymentsRetryPolicy } from "./002-deployments-retry-policy.js";
import { taskRunStorage } from "./003-task-run-storage.js";
import { flowRunThroughput } from "./004-flow-run-throughput.js";
import { flowRunListIndexes } from "./005-flow-run-list-indexes.js";
import { flowRunTagIndex } from "./006-flow-run-tag-index.js";
import { results } from "./007-results.js";
import { retentionIndexes } from "./008-retention-indexes.js";
import { schedulePolicies } from "./009-schedule-policies.js";
import { backfills } from "./010-backfills.js";
import { secretVariables } from "./012-secret-variables.js";
import { events } from "./013-events.js";
import { notifications } from "./014-notifications.js";
import { automations } from "./015-automations.js";
import { deploymentVersions } from "./016-deployment-versions.js";
import { codePull } from "./017-code-pull.js";
import { taskQueue } from "./018-task-queue.js";
import { deploymentExecution } from "./019-deployment-execution.js";
import { claimOrderIndex } from "./021-claim-order-index.js";
import { taskQueueTimeoutBigint } from "./022-task-queue-timeout-bigint.js";
import { stateEventsPerStatement } from "./023-state-events-per-statement.js";

/** All migrations of Weir's schema. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  initialSchema,
  deploymentsRetryPolicy,
  taskRunStorage,
  flowRunThroughput,
  flowRunListIndexes,
  flowRunTagIndex,
  results,
  retentionIndexes,
  schedulePolicies,
  backfills,
  secretVariables,
  events,
  notifications,
  automations,
  deploymentVersions,
  codePull,
  taskQueue,
  deploymentExecution,
  claimOrderIndex,
  taskQueueTimeoutBigint,
  stateEventsPerStatement,
]);
