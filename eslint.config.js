// Lint encodes the architecture (DESIGN §7, STYLE rule 9): layers import only downward, no
// floating promises, exhaustive switches, type-only imports.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const layer = (from, forbidden) => ({
  files: [`src/${from}/**/*.ts`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: forbidden.map((target) => ({
          group: [`**/${target}/*`, `**/${target}`, `../${target}/**`],
          message: `src/${from} must not import src/${target} (DESIGN §7 layer rule).`,
        })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ["dist/**", "ui/dist/**", "node_modules/**", "test-results/**", "bin/**", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/restrict-template-expressions": "off",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/only-throw-error": "off",
      "@typescript-eslint/prefer-promise-reject-errors": "off",
      "@typescript-eslint/no-redundant-type-constituents": "off",
      "@typescript-eslint/unbound-method": "off",
      "@typescript-eslint/no-base-to-string": "off",
    },
  },
  layer("core", ["db", "orchestration", "client", "sdk", "server", "services", "worker", "cli"]),
  layer("db", ["orchestration", "client", "sdk", "server", "services", "worker", "cli"]),
  layer("orchestration", ["client", "sdk", "server", "services", "worker", "cli"]),
  layer("client", ["sdk", "server", "services", "worker", "cli"]),
  layer("sdk", ["db", "orchestration", "server", "services", "worker", "cli"]),
  layer("server", ["sdk", "worker", "cli", "client"]),
  layer("services", ["sdk", "server", "worker", "cli", "client"]),
  layer("worker", ["db", "orchestration", "server", "services", "sdk", "cli"]),
);
