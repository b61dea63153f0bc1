"""Where conversations and turn locks live: the windowed SQL tracker store, the save that
fails loudly, and the Redis lock store that survives a dead instance."""
