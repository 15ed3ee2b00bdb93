/** Every route of the API, in mount order (static paths before parameterised ones). */
import type { AnyRouteDefinition, RouteDependencies } from "../route-registry.js";
import { artifactRoutes } from "./artifact-routes.js";
import { automationRoutes } from "./automation-routes.js";
import { backfillRoutes } from "./backfill-routes.js";
import { concurrencyLimitRoutes } from "./concurrency-limit-routes.js";
import { deploymentRoutes } from "./deployment-routes.js";
import { deploymentVersionRoutes } from "./deployment-version-routes.js";
import { eventRoutes } from "./event-routes.js";
import { flowRoutes } from "./flow-routes.js";
import { flowRunRoutes } from "./flow-run-routes.js";
import { healthRoutes } from "./health-routes.js";
import { logRoutes } from "./log-routes.js";
import { notificationRoutes } from "./notification-routes.js";
import { resultRoutes } from "./result-routes.js";
import { scheduleRoutes } from "./schedule-routes.js";
import { storedEventRoutes } from "./stored-event-routes.js";
import { taskQueueRoutes } from "./task-queue-routes.js";
import { taskRunRoutes } from "./task-run-routes.js";
import { variableRoutes } from "./variable-routes.js";
import { workPoolRoutes } from "./work-pool-routes.js";
import { workQueueRoutes } from "./work-queue-routes.js";
import { workerRoutes } from "./worker-routes.js";

/** All routes over some dependencies. */
export function allRoutes(dependencies: RouteDependencies): AnyRouteDefinition[] {
  return [
    ...healthRoutes(dependencies),
    ...flowRoutes(dependencies),
    ...flowRunRoutes(dependencies),
    ...taskRunRoutes(dependencies),
    ...taskQueueRoutes(dependencies),
    ...logRoutes(dependencies),
    ...artifactRoutes(dependencies),
    ...variableRoutes(dependencies),
    ...resultRoutes(dependencies),
    ...concurrencyLimitRoutes(dependencies),
    ...deploymentRoutes(dependencies),
    ...backfillRoutes(dependencies),
    ...deploymentVersionRoutes(dependencies),
    ...scheduleRoutes(dependencies),
    ...workerRoutes(dependencies),
    ...workQueueRoutes(dependencies),
    ...workPoolRoutes(dependencies),
    ...storedEventRoutes(dependencies),
    ...eventRoutes(dependencies),
    ...notificationRoutes(dependencies),
    ...automationRoutes(dependencies),
  ];
}
