-- The same read on design B: each choice's count is the SUM over its slots.
\set voter random(1, :voter_range)
SELECT p.slug, p.question, p.opens_at, p.closes_at, p.results_visibility,
       c.key, c.label,
       (SELECT sum(s.vote_count) FROM choice_vote_slot s WHERE s.choice_id = c.id) AS vote_count,
       v.id AS my_vote_id
  FROM poll p JOIN choice c ON c.poll_id = p.id
  LEFT JOIN vote v ON v.poll_id = p.id AND v.voter_id = md5(:voter::text) AND v.choice_id = c.id
 WHERE p.slug = 'debate' ORDER BY c.position, c.id;
