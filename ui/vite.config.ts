/** Vite build of the dashboard: root `ui/`, output `ui/dist`, served by the Weir server at `/`. */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1000 },
  // `npm run dev:ui` style development against a server on 4200.
  server: { proxy: { "/api": "http://127.0.0.1:4200" } },
});
