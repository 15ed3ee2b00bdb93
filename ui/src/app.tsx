/** The dashboard: query client, live stream, router, layout with navigation and theme. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { BrowserRouter, NavLink, Route, Routes } from "react-router";
import { ApiError } from "./api/api-client.js";
import { startLiveEvents } from "./api/live-events.js";
import { ApiKeyPrompt } from "./components/api-key-prompt.js";
import { ThemeToggle } from "./components/theme-toggle.js";
import { ArtifactsPage } from "./pages/artifacts-page.js";
import { AutomationsPage } from "./pages/automations-page.js";
import { ConcurrencyLimitsPage } from "./pages/concurrency-limits-page.js";
import { DeploymentPage } from "./pages/deployment-page.js";
import { DeploymentsPage } from "./pages/deployments-page.js";
import { EventsPage } from "./pages/events-page.js";
import { FlowRunPage } from "./pages/flow-run-page.js";
import { FlowRunsPage } from "./pages/flow-runs-page.js";
import { FlowsPage } from "./pages/flows-page.js";
import { HomePage } from "./pages/home-page.js";
import { VariablesPage } from "./pages/variables-page.js";
import { WorkPoolsPage } from "./pages/work-pools-page.js";

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
    },
  });
}

const NAV: [string, string][] = [
  ["/", "Home"],
  ["/runs", "Flow runs"],
  ["/flows", "Flows"],
  ["/deployments", "Deployments"],
  ["/work-pools", "Work pools"],
  ["/concurrency-limits", "Concurrency"],
  ["/variables", "Variables"],
  ["/artifacts", "Artifacts"],
  ["/events", "Events"],
  ["/automations", "Automations"],
];

/** The whole app. */
export function App() {
  const [queryClient] = useState(makeQueryClient);
  useEffect(() => startLiveEvents(queryClient), [queryClient]);
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <div className="layout">
          <nav className="sidebar">
            <div className="brand">Weir</div>
            {NAV.map(([to, label]) => (
              <NavLink key={to} to={to} end={to === "/"}>
                {label}
              </NavLink>
            ))}
            <div className="sidebar-bottom">
              <ThemeToggle />
            </div>
          </nav>
          <main className="content">
            <Routes>
              <Route path="/" element={<HomePage />} />
              <Route path="/runs" element={<FlowRunsPage />} />
              <Route path="/runs/:id" element={<FlowRunPage />} />
              <Route path="/flows" element={<FlowsPage />} />
              <Route path="/deployments" element={<DeploymentsPage />} />
              <Route path="/deployments/:id" element={<DeploymentPage />} />
              <Route path="/work-pools" element={<WorkPoolsPage />} />
              <Route path="/concurrency-limits" element={<ConcurrencyLimitsPage />} />
              <Route path="/variables" element={<VariablesPage />} />
              <Route path="/artifacts" element={<ArtifactsPage />} />
              <Route path="/events" element={<EventsPage />} />
              <Route path="/automations" element={<AutomationsPage />} />
              <Route path="*" element={<h2>Page not found</h2>} />
            </Routes>
          </main>
        </div>
        <ApiKeyPrompt />
      </BrowserRouter>
    </QueryClientProvider>
  );
}
