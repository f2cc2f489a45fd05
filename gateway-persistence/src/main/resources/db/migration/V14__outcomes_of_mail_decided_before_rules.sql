-- Mail decided before security rules (issue #30) gets the outcome and action the default rule stands for, read from
-- its state and its scan summary, so that filtering the messages by outcome finds it too. Mail set aside because
-- processing it failed (not a decision over its verdicts) and mail not yet decided keep none.
UPDATE moat_message SET outcome = 'ALLOWED', rule_action = 'DELIVER'
    WHERE kind <> 'DSN' AND outcome IS NULL AND state IN ('QUEUED', 'DEFERRED', 'DELIVERED');
UPDATE moat_message SET outcome = 'ALLOWED', rule_action = 'DELIVER'
    WHERE kind <> 'DSN' AND outcome IS NULL AND state = 'FAILED'
      AND (scan_summary LIKE 'clean%' OR scan_summary LIKE 'nothing to scan%');
UPDATE moat_message SET outcome = 'SCAN_ERROR', rule_action = 'RETRY'
    WHERE kind <> 'DSN' AND outcome IS NULL AND state = 'FAILED' AND scan_summary LIKE 'scan failed%';
UPDATE moat_message SET outcome = 'BLOCKED', rule_action = 'QUARANTINE'
    WHERE kind <> 'DSN' AND outcome IS NULL AND state = 'BLOCKED';
UPDATE moat_message SET outcome = 'ENCRYPTED', rule_action = 'HOLD_FOR_PASSWORD'
    WHERE kind <> 'DSN' AND outcome IS NULL AND state = 'PASSWORD_REQUIRED';
UPDATE moat_message SET outcome = 'UNINSPECTED', rule_action = 'QUARANTINE'
    WHERE kind <> 'DSN' AND outcome IS NULL AND state = 'QUARANTINED' AND scan_summary LIKE 'quarantined: could not%';
