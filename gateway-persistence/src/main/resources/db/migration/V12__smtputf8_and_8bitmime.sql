-- What the client declared on MAIL FROM when the message came in, for the delivery to declare it to the downstream
-- server (or to bounce where that server cannot take it): SMTPUTF8 (RFC 6531) and BODY=8BITMIME (RFC 6152).
ALTER TABLE moat_message ADD COLUMN smtputf8 BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE moat_message ADD COLUMN body_8bitmime BOOLEAN DEFAULT FALSE NOT NULL;
