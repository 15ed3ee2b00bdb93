/**
 * Submitting a small create form: refuse locally when a field is wrong (nothing is sent), else
 * call the API, put a 422's issues under their fields and keep the server's message to show,
 * and refetch the queries the form changes.
 */
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../api/api-client.js";
import { issuesByField } from "../lib/json-schema-fields.js";

/** State and `submit` of one form. */
export interface FormSubmit {
  /** Messages by field name (local checks first, else the server's 422 issues). */
  fieldErrors: Record<string, string>;
  /** The server's refusal or a failed request (null when none). */
  formError: unknown;
  isSubmitting: boolean;
  /** Run `call` unless `localErrors` has a message; true once it succeeded. */
  submit(localErrors: Record<string, string | null>, call: () => Promise<unknown>): Promise<boolean>;
  /** Forget every message (e.g. when the form is closed). */
  reset(): void;
}

/** A form that refetches `queryKeys` after a successful submit. */
export function useFormSubmit(queryKeys: readonly QueryKey[]): FormSubmit {
  const queryClient = useQueryClient();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [isSubmitting, setIsSubmitting] = useState(false);
  const reset = (): void => {
    setFieldErrors({});
    setFormError(null);
  };
  const submit = async (localErrors: Record<string, string | null>, call: () => Promise<unknown>): Promise<boolean> => {
    const local = Object.fromEntries(Object.entries(localErrors).filter((entry): entry is [string, string] => entry[1] !== null));
    setFieldErrors(local);
    setFormError(null);
    if (Object.keys(local).length > 0) return false;
    setIsSubmitting(true);
    try {
      await call();
      for (const queryKey of queryKeys) await queryClient.invalidateQueries({ queryKey });
      return true;
    } catch (caught) {
      if (caught instanceof ApiError) setFieldErrors(issuesByField(caught.issues));
      setFormError(caught);
      return false;
    } finally {
      setIsSubmitting(false);
    }
  };
  return { fieldErrors, formError, isSubmitting, submit, reset };
}
