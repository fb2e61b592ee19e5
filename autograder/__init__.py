"""The grading side of the course: nbgrader, configured for this course, plus
the steps grading adds to nbgrader's pipeline.

- ``config``: the nbgrader configuration (one place);
- ``preprocessors``: steps added to nbgrader's autograde pipeline;
- ``notebooks``: reading notebooks and mapping graded cells to exercises;
- ``nbgrader_jobs``: nbgrader's generate/autograde/feedback apps, run in a
  process of their own (``python -m autograder.nbgrader_jobs``);
- ``pipeline``: release, validate, submit and grade, as the ``course`` command offers them.
"""


class CourseError(Exception):
    """A problem with the user's input: reported in one line, exit status 2."""
