"""Steps grading adds to nbgrader's autograde pipeline."""
from nbgrader.preprocessors import NbGraderPreprocessor


class StderrToStdout(NbGraderPreprocessor):
    """Move stderr text (warnings) of code cells to stdout, marked as such.

    nbgrader gives zero to any graded cell that wrote to stderr, so a correct
    answer that merely warns (a library's DeprecationWarning, a learner's
    debugging print to sys.stderr) would lose its marks. A test fails by
    raising, which leaves an error output; that is untouched and still scores 0.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    output["name"] = "stdout"
                    output["text"] = "[stderr] " + output.get("text", "")
        return cell, resources
