"""The coordinators' tools: live reload, test questions, coverage, gaps and the annual report."""
