/** A Delete button that asks in place ("Delete queue fast?") before it deletes anything. */
import { useState } from "react";

/** Props of a confirmed delete. */
export interface ConfirmDeleteButtonProps {
  /** What is deleted, e.g. "queue fast": used in the question and the buttons' accessible names. */
  subject: string;
  /** What else goes with it, said in the question (e.g. "its queues and workers are deleted too"). */
  consequence?: string;
  /** The button's text. @default "Delete" */
  label?: string;
  onConfirm(): Promise<unknown>;
}

/** `label`, then "Delete <subject>? [Delete] [Keep]". */
export function ConfirmDeleteButton({ subject, consequence, label = "Delete", onConfirm }: ConfirmDeleteButtonProps) {
  const [isAsking, setIsAsking] = useState(false);
  const [isDeleting, setIsDeleting] = useState(false);
  if (!isAsking) {
    return <button type="button" className="ghost danger" aria-label={`Delete ${subject}`} onClick={() => setIsAsking(true)}>{label}</button>;
  }
  const confirm = async (): Promise<void> => {
    setIsDeleting(true);
    try {
      await onConfirm();
    } finally {
      setIsDeleting(false);
      setIsAsking(false);
    }
  };
  return (
    <span className="confirm-delete" role="group" aria-label={`Confirm deleting ${subject}`}>
      <span>Delete {subject}?{consequence ? ` ${consequence}` : ""}</span>
      <button type="button" className="danger-solid" disabled={isDeleting} aria-label={`Yes, delete ${subject}`} onClick={() => void confirm()}>Delete</button>
      <button type="button" className="ghost" autoFocus onClick={() => setIsAsking(false)}>Keep</button>
    </span>
  );
}
