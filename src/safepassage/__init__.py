"""SafePassage: evacuation funds paid with donated air miles, points and cash."""
