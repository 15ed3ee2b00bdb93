/**
 * What the pipeline expects of a data set: each column's role, type and plausible range.
 * Known data sets (Seattle weather) have hand-written schemas; any other table gets one inferred
 * from its DuckDB types (numbers are features, short text columns are categories, the first
 * date column orders the rows for rolling statistics).
 */
import { isNumericType, isTemporalType } from "./duckdb-engine.js";

/** How a column is used. */
export type ColumnRole = "date" | "numeric" | "category" | "ignored";

/** The expectation about one column. */
export interface ColumnRule {
  name: string;
  role: ColumnRole;
  /** The DuckDB type values are cast to when cleaning. */
  sqlType: "DATE" | "TIMESTAMP" | "DOUBLE" | "VARCHAR";
  /** Whether the column must be present (known schemas only). */
  isRequired: boolean;
  /** Plausible range; values outside it are treated as missing. */
  min?: number;
  max?: number;
  /** Allowed category values; others are treated as missing. */
  allowedValues?: readonly string[];
  /** Whether statistical outliers are clipped (off for skewed columns such as rainfall). */
  shouldClipOutliers: boolean;
}

/** The expectations about a data set. */
export interface DatasetSchema {
  name: string;
  isInferred: boolean;
  /** Column that orders the rows (rolling statistics); rows without it are dropped. */
  dateColumn: string | null;
  /** Columns that identify a row (later repeats are dropped); the non-date ones partition rolling windows. */
  keyColumns: string[];
  columns: ColumnRule[];
}

/** A column found in the data, with its number of distinct values. */
export interface ObservedColumn {
  name: string;
  type: string;
  distinct: number;
}

/** Text columns with at most this many distinct values become one-hot categories. */
export const MAX_CATEGORY_LEVELS = 20;

const SEATTLE_WEATHER_COLUMNS: ColumnRule[] = [
  { name: "date", role: "date", sqlType: "DATE", isRequired: true, shouldClipOutliers: false },
  { name: "precipitation", role: "numeric", sqlType: "DOUBLE", isRequired: true, min: 0, max: 500, shouldClipOutliers: false },
  { name: "temp_max", role: "numeric", sqlType: "DOUBLE", isRequired: true, min: -40, max: 50, shouldClipOutliers: true },
  { name: "temp_min", role: "numeric", sqlType: "DOUBLE", isRequired: true, min: -40, max: 50, shouldClipOutliers: true },
  { name: "wind", role: "numeric", sqlType: "DOUBLE", isRequired: true, min: 0, max: 60, shouldClipOutliers: true },
  {
    name: "weather",
    role: "category",
    sqlType: "VARCHAR",
    isRequired: true,
    allowedValues: ["drizzle", "fog", "rain", "snow", "sun"],
    shouldClipOutliers: false,
  },
];

/** Hand-written schemas of the bundled tables the pipeline was built for. */
export const KNOWN_SCHEMAS: Readonly<Record<string, DatasetSchema>> = Object.freeze({
  "seattle-weather": { name: "seattle-weather", isInferred: false, dateColumn: "date", keyColumns: ["date"], columns: SEATTLE_WEATHER_COLUMNS },
  weather: {
    name: "weather",
    isInferred: false,
    dateColumn: "date",
    keyColumns: ["location", "date"],
    columns: [
      { name: "location", role: "category", sqlType: "VARCHAR", isRequired: true, shouldClipOutliers: false },
      ...SEATTLE_WEATHER_COLUMNS,
    ],
  },
});

/** The schema for a data set: the known one by name, else one inferred from the observed columns. */
export function schemaFor(name: string, observed: readonly ObservedColumn[]): DatasetSchema {
  const known = KNOWN_SCHEMAS[name];
  if (known !== undefined) return known;
  let dateColumn: string | null = null;
  const columns = observed.map((column): ColumnRule => {
    if (isTemporalType(column.type) && dateColumn === null) {
      dateColumn = column.name;
      return { name: column.name, role: "date", sqlType: column.type.startsWith("DATE") ? "DATE" : "TIMESTAMP", isRequired: false, shouldClipOutliers: false };
    }
    if (isNumericType(column.type)) {
      return { name: column.name, role: "numeric", sqlType: "DOUBLE", isRequired: false, shouldClipOutliers: true };
    }
    if (column.type === "VARCHAR" && column.distinct <= MAX_CATEGORY_LEVELS) {
      return { name: column.name, role: "category", sqlType: "VARCHAR", isRequired: false, shouldClipOutliers: false };
    }
    return { name: column.name, role: "ignored", sqlType: "VARCHAR", isRequired: false, shouldClipOutliers: false };
  });
  return { name, isInferred: true, dateColumn, keyColumns: [], columns };
}
