"""REFI-QDA interoperability (.qdc codebooks, .qdpx projects); see thematic.interop.refi."""
