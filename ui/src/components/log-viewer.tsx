/**
 * Live logs of a flow run: loads pages by id cursor, appends lines from the live stream, with
 * follow (stick to the bottom), a minimum level, text search and download. Virtualized.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import type { LogLevel, LogRecord } from "../../../src/core/models.js";
import { LOG_LEVEL_RANK } from "../../../src/core/models.js";
import { api } from "../api/api-client.js";
import { onLiveEvent } from "../api/live-events.js";

const LEVELS: LogLevel[] = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

/** Log panel of one flow run. */
export function LogViewer({ flowRunId }: { flowRunId: string }) {
  const [logs, setLogs] = useState<LogRecord[]>([]);
  const [minLevel, setMinLevel] = useState<LogLevel>("DEBUG");
  const [search, setSearch] = useState("");
  const [isFollowing, setIsFollowing] = useState(true);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    const seen = new Set<number>();
    let buffer: LogRecord[] = [];
    const add = (records: LogRecord[]): void => {
      const fresh = records.filter((r) => r.flowRunId === flowRunId && !seen.has(r.id));
      for (const r of fresh) seen.add(r.id);
      if (fresh.length > 0) setLogs((current) => [...current, ...fresh].sort((a, b) => a.id - b.id));
    };
    // Lines arriving while the history loads are kept and merged afterwards.
    let isLoaded = false;
    const unsubscribe = onLiveEvent((event) => {
      if (event.kind !== "logs") return;
      if (isLoaded) add(event.logs);
      else buffer.push(...event.logs);
    });
    void (async () => {
      let afterId: number | undefined;
      try {
        for (;;) {
          const page = await api<{ items: LogRecord[] }>("/logs", { query: { flowRunId, afterId, limit: 1000 }, signal: controller.signal });
          add(page.items);
          if (page.items.length < 1000) break;
          afterId = page.items[page.items.length - 1]?.id;
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      isLoaded = true;
      add(buffer);
      buffer = [];
    })();
    return () => {
      controller.abort();
      unsubscribe();
    };
  }, [flowRunId]);

  const visible = useMemo(() => {
    const needle = search.toLowerCase();
    return logs.filter((l) => LOG_LEVEL_RANK[l.level] >= LOG_LEVEL_RANK[minLevel] && (!needle || l.message.toLowerCase().includes(needle)));
  }, [logs, minLevel, search]);
  // A line with a stack trace spans several rows: rows are measured, estimated from their line count.
  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => 20 + 16 * ((visible[index]?.message.split("\n").length ?? 1) - 1),
    overscan: 30,
  });
  useEffect(() => {
    if (isFollowing && visible.length > 0) virtualizer.scrollToIndex(visible.length - 1, { align: "end" });
  }, [isFollowing, visible.length, virtualizer]);

  const download = (): void => {
    const text = logs.map((l) => `${l.timestamp} ${l.level.padEnd(8)} ${l.name} ${l.message}`).join("\n");
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = `flow-run-${flowRunId}.log`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <div className="log-viewer">
      <div className="row">
        <label>Level <select aria-label="Log level" value={minLevel} onChange={(e) => setMinLevel(e.target.value as LogLevel)}>
          {LEVELS.map((l) => <option key={l}>{l}</option>)}
        </select></label>
        <input placeholder="Search logs" aria-label="Search logs" value={search} onChange={(e) => setSearch(e.target.value)} />
        <label><input type="checkbox" checked={isFollowing} onChange={(e) => setIsFollowing(e.target.checked)} /> Follow</label>
        <button type="button" className="ghost" onClick={download} disabled={logs.length === 0}>Download</button>
        <span className="muted">{visible.length} lines</span>
      </div>
      <div className="log-lines" ref={scrollRef} data-testid="logs">
        {visible.length === 0 ? <p className="muted">No logs yet.</p> : null}
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((row) => {
            const log = visible[row.index];
            if (!log) return null;
            const isMultiline = log.message.includes("\n");
            return (
              <div
                key={log.id}
                ref={virtualizer.measureElement}
                data-index={row.index}
                className={`log-line level-${log.level}`}
                style={{ transform: `translateY(${row.start}px)`, ...(isMultiline ? { height: "auto", minHeight: 20 } : {}) }}
              >
                <span className="log-time">{new Date(log.timestamp).toLocaleTimeString()}</span>
                <span className="log-level">{log.level}</span>
                <span className="log-message" style={isMultiline ? { whiteSpace: "pre-wrap", overflowWrap: "anywhere" } : undefined}>{log.message}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
