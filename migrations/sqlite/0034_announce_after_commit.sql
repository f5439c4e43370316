-- PostgreSQL's migration of this number drops the trigger that sent a NOTIFY from inside every
-- transaction writing ticket events (other processes are told after the commit instead). SQLite
-- serves from one process and never had one: nothing changes here.
SELECT 1;
