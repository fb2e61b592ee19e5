# Lets plain `nbgrader ...` run from the repository root use the course's settings.
c = get_config()  # noqa: F821
load_subconfig("autograder/nbgrader_config.py")  # noqa: F821
