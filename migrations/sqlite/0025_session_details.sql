-- What a person sees of their own sessions (sqlite; app/src/server/sessions.rs): the browser
-- that signed in (its User-Agent, at most 300 characters) and the address it came from. Rows
-- from before are shown without them.
ALTER TABLE sessions ADD COLUMN agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
