-- Nothing looks an attachment up by Core's data_id (verdicts are polled by the pipeline, which holds them; webhooks
-- are not wired), so its unique index only cost a write at a random page of it for every attachment scanned: data
-- ids are random, unlike the time-ordered keys of the other indexes, which grow at their end (docs/performance.md,
-- item 30). Nor is the uniqueness of another system's ids ours to enforce. A webhook receiver that needs the lookup
-- can index what it needs then.
DROP INDEX moat_attachment_data_id;
