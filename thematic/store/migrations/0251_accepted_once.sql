-- Evidence counted once (#17): accepting a proposal used to keep it (accepted, under its
-- automatic coder) AND add the reviewer's copy (method 'review', origin 'PROPOSER RULE').
-- The copy is the reviewer's judgement and keeps the provenance, so the accepted proposal
-- it copied goes. Only exact pairs are touched: same excerpt, codebook, code and span, the
-- copy's origin naming that proposal's coder and rule; nothing else changes.
DELETE FROM codings WHERE id IN (
    SELECT p.id FROM codings p JOIN codings v
      ON v.excerpt_id = p.excerpt_id AND v.codebook_id = p.codebook_id
     AND v.code_id = p.code_id AND IFNULL(v.start, -1) = IFNULL(p.start, -1)
     AND IFNULL(v.end, -1) = IFNULL(p.end, -1)
    WHERE p.status = 'accepted' AND v.status = 'accepted' AND v.method = 'review'
      AND p.method != 'review' AND v.coder != p.coder
      AND v.origin = TRIM(p.coder || ' ' || IFNULL(p.origin, ''))
);
