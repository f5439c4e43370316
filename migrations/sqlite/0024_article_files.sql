-- Pictures and files in knowledge-base articles (sqlite; app/src/server/kb/write.rs). An upload
-- starts pending like any other (attachments.ticket_id and article_id both NULL) and joins the
-- article whose saved text first refers to it (`/api/attachments/<id>`); it stays with that
-- article for every later version, so a restored version shows its pictures again. A client
-- may fetch it only while a published version it may read refers to it.
ALTER TABLE attachments ADD COLUMN article_id INTEGER REFERENCES kb_articles (id);
CREATE INDEX attachments_by_article ON attachments (article_id) WHERE article_id IS NOT NULL;
