-- The columnar read path (codings.coding_columns) groups codings by codebook, code, coder,
-- status and method and collects their excerpts: this covering index hands it the rows in
-- that order, so the query needs neither the table nor a temporary sort. It replaces
-- codings_code, whose columns are its prefix, so writing a coding maintains no extra index.
DROP INDEX IF EXISTS codings_code;
CREATE INDEX codings_columns
    ON codings(codebook_id, code_id, coder, status, method, excerpt_id);
