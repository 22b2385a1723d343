-- PostgreSQL twin of migrations/0008: the worker (its sessions' application_name
-- casebot/<worker>) that handled an update, so a copy can tell whether it is gone.
ALTER TABLE processed_updates ADD COLUMN worker TEXT;
