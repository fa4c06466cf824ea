-- The results read (_SNAPSHOT_QUERY in poll/polls/voting.py) on design A.
\set voter random(1, :voter_range)
SELECT p.slug, p.question, p.opens_at, p.closes_at, p.results_visibility,
       c.key, c.label, c.vote_count, v.id AS my_vote_id
  FROM poll p JOIN choice c ON c.poll_id = p.id
  LEFT JOIN vote v ON v.poll_id = p.id AND v.voter_id = md5(:voter::text) AND v.choice_id = c.id
 WHERE p.slug = 'debate' ORDER BY c.position, c.id;
