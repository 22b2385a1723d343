-- Which worker handled an update (scale-out mode; the embedded mode leaves it NULL):
-- a copy found handled by a worker that is gone may have lost its reply, and is
-- answered again (bot/scaleout.py, SharedIdempotencyMiddleware).
ALTER TABLE processed_updates ADD COLUMN worker TEXT;
