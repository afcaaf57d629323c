"""What an org's charges can be grouped and filtered by: the tag keys and the values each
dimension takes in its data (vendor dialects name the dimensions their own way)."""
