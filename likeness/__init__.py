"""The likeness guard: enrolled faces, and the frames of a video that show them."""
