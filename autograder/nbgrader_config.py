# nbgrader configuration for this course, loaded by autograder.config for every
# nbgrader run the `course` command makes. Running plain `nbgrader` from the
# repository root loads it too, through ../nbgrader_config.py.
c = get_config()  # noqa: F821 - provided by traitlets when the file is loaded

c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# The course id files the class in the exchange and in the gradebook; PostgreSQL
# enforces the gradebook's course foreign key, so it must name a real course.
c.CourseDirectory.course_id = "deep-learning-course"

# What a student sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Seconds one cell may run before it is interrupted and marked as failed.
c.Execute.timeout = 90

# Grading runs the notebook with the guard around every test cell (see
# autograder/guard.py and ARCHITECTURE.md), and adds one step to nbgrader's
# autograde pipeline: a warning printed on
# stderr by a correct answer is moved to stdout before the grades are saved, so
# it costs no marks (nbgrader otherwise scores any cell with stderr output zero).
c.Autograde.autograde_preprocessors = [
    "autograder.preprocessors.GuardedExecute",
    "autograder.preprocessors.StderrToStdout",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
