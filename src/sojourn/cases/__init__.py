"""Cases: a task tree per person in enforcement or review (Caseflow-style), human decisions as
append-only rows, and redress requests that freeze enforcement until they are decided."""
