-- Deep CDR (issue #32). Each part records what Core's sanitization made of it: SANITIZED (Core has a sanitized copy),
-- FAILED (Core's sanitization failed, or its copy could not be had), REPLACED (the delivered message carries the
-- sanitized copy in its place); NULL when no sanitization ran or the rule does not use it.
-- The sanitized copy's name as Core gives it (converted_destination: a conversion may change the type, doc to pdf).
ALTER TABLE moat_attachment ADD COLUMN cdr VARCHAR(16);
ALTER TABLE moat_attachment ADD COLUMN cdr_file_name VARCHAR(255);

-- The default rule uses sanitized files, on new installations and existing ones alike; a failed sanitization blocks.
-- Its definition is a JSON object: the setting goes in as its first member, unless an admin already set one.
UPDATE moat_security_rule
    SET definition = '{"cdr":{"useSanitized":true,"onFailure":"BLOCK"},' || SUBSTRING(definition FROM 2)
    WHERE id = '00000000-0000-0000-0000-00000000d3fa' AND definition LIKE '{"%' AND definition NOT LIKE '%"cdr":%';
