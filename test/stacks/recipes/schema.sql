CREATE TABLE IF NOT EXISTS greetings (id serial PRIMARY KEY, text text NOT NULL);
INSERT INTO greetings (text) SELECT 'hello from postgres' WHERE NOT EXISTS (SELECT FROM greetings);
CREATE TABLE IF NOT EXISTS done_jobs (name text NOT NULL, done_at timestamptz NOT NULL DEFAULT now());
