/** Light/dark theme: follows prefers-color-scheme until the person picks one (kept in localStorage). */
import { useEffect, useState } from "react";

type Theme = "light" | "dark" | "system";

/** Button cycling system → light → dark. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem("weir.theme") as Theme | null) ?? "system");
  useEffect(() => {
    if (theme === "system") {
      delete document.documentElement.dataset.theme;
      localStorage.removeItem("weir.theme");
    } else {
      document.documentElement.dataset.theme = theme;
      localStorage.setItem("weir.theme", theme);
    }
  }, [theme]);
  const next: Record<Theme, Theme> = { system: "light", light: "dark", dark: "system" };
  return (
    <button type="button" className="ghost" data-testid="theme-toggle" onClick={() => setTheme(next[theme])} title="Switch theme">
      Theme: {theme}
    </button>
  );
}
