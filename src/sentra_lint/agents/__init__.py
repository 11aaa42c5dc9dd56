"""AI agents: the inventory of known agents and their detection in workflows and launches."""
