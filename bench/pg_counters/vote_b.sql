-- Design B: the same transaction, but each counter move lands on one random slot of
-- the choice's :slots slots (choice_vote_slot), so concurrent voters for one choice
-- mostly lock different rows. Locks are still taken in (choice_id, slot) order.
\set voter random(1, :voter_range)
\set choice random(1, :choices)
\set slot random(0, :slots - 1)
BEGIN;
WITH inserted AS (
  INSERT INTO vote (poll_id, choice_id, voter_id, ip_hash, created_at, updated_at)
  VALUES (1, :choice, md5(:voter::text), md5((:voter % 997)::text), now(), now())
  ON CONFLICT (poll_id, voter_id) DO NOTHING RETURNING id)
SELECT count(*) AS inserted FROM inserted \gset
\if :inserted
UPDATE choice_vote_slot SET vote_count = vote_count + 1 WHERE choice_id = :choice AND slot = :slot;
\else
SELECT id AS vote_id, choice_id AS old_choice, status AS old_status
  FROM vote WHERE poll_id = 1 AND voter_id = md5(:voter::text) FOR UPDATE \gset
\if :old_choice != :choice
UPDATE vote SET choice_id = :choice, updated_at = now() WHERE id = :vote_id;
\set first least(:old_choice, :choice)
\set second greatest(:old_choice, :choice)
\set first_delta case when :first = :choice then 1 else -1 end
\set other_slot random(0, :slots - 1)
UPDATE choice_vote_slot SET vote_count = vote_count + :first_delta WHERE choice_id = :first AND slot = :slot;
UPDATE choice_vote_slot SET vote_count = vote_count - :first_delta WHERE choice_id = :second AND slot = :other_slot;
\endif
\endif
END;
