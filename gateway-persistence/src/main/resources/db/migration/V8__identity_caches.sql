-- Attachments and delivery attempts take their keys from identity sequences. H2 records a sequence's state in a
-- commit of its own, a whole write of the changed pages, whenever its cache of 32 values runs out: on the
-- pipeline's path once every 16 messages (docs/performance.md, item 18). A cache of 1,000 makes that rare. After a
-- crash the cached values are skipped: gaps in the keys, which nothing reads as meaningful.
ALTER TABLE moat_attachment ALTER COLUMN id SET CACHE 1000;
ALTER TABLE moat_delivery_attempt ALTER COLUMN id SET CACHE 1000;
