/**
 * What a page does when a button changes something on the server: clear the last error, run the
 * call, keep its error to show, and refetch the queries it touched (also after a failure, since a
 * failed call can still have changed what the page shows).
 */
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useState } from "react";

/** The error of the last action, and `act` to run the next one. */
export interface PageAction {
  error: unknown;
  setError(error: unknown): void;
  act(call: () => Promise<unknown>): Promise<void>;
}

/** Actions that refetch `queryKeys` once done. */
export function usePageAction(queryKeys: readonly QueryKey[]): PageAction {
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const act = async (call: () => Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await call();
    } catch (caught) {
      setError(caught);
    }
    for (const queryKey of queryKeys) await queryClient.invalidateQueries({ queryKey });
  };
  return { error, setError, act };
}
