"""One module per source extract; each builds rows in exactly its mapping's format."""
