-- Design A: the app's cast_vote (poll/polls/voting.py) on one counter row per choice.
-- Statement for statement: INSERT .. ON CONFLICT DO NOTHING RETURNING id (wrapped in a CTE
-- only because \gset needs exactly one row), then either +1 on the new choice, or
-- SELECT .. FOR UPDATE, and if the choice differs, UPDATE the vote and move the two
-- counters in choice-id order (as _shift_counts does, so that no two voters deadlock).
\set voter random(1, :voter_range)
\set choice random(1, :choices)
BEGIN;
WITH inserted AS (
  INSERT INTO vote (poll_id, choice_id, voter_id, ip_hash, created_at, updated_at)
  VALUES (1, :choice, md5(:voter::text), md5((:voter % 997)::text), now(), now())
  ON CONFLICT (poll_id, voter_id) DO NOTHING RETURNING id)
SELECT count(*) AS inserted FROM inserted \gset
\if :inserted
UPDATE choice SET vote_count = vote_count + 1 WHERE id = :choice;
\else
SELECT id AS vote_id, choice_id AS old_choice, status AS old_status
  FROM vote WHERE poll_id = 1 AND voter_id = md5(:voter::text) FOR UPDATE \gset
\if :old_choice != :choice
UPDATE vote SET choice_id = :choice, updated_at = now() WHERE id = :vote_id;
\set first least(:old_choice, :choice)
\set second greatest(:old_choice, :choice)
\set first_delta case when :first = :choice then 1 else -1 end
UPDATE choice SET vote_count = vote_count + :first_delta WHERE id = :first;
UPDATE choice SET vote_count = vote_count - :first_delta WHERE id = :second;
\endif
\endif
END;
