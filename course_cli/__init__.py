"""The ``course`` command line. It sits above both packages: it imports
``course`` (what notebooks import) and ``autograder`` (grading), and neither of
them imports it. ``python -m course_cli ...`` is the same as ``course ...``."""
