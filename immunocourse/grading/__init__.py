"""Layer 6, grading with nbgrader: the cells a graded notebook runs (:mod:`.cells`), the
rules for untrusted submission files (:mod:`.submission`), nbgrader preprocessors
(:mod:`.preprocessors`), warm grading kernels (:mod:`.warm_kernels`, :mod:`.kernel_server`),
what no grading kernel's environment holds (:mod:`.kernel_env`), the course folder
(:mod:`.course`), a class graded in parallel (:mod:`.parallel`; ``quiz grade`` in
:mod:`.cli`), the students' feedback pages (:mod:`.feedback`) and what the class learned
(``quiz stats``: :mod:`.stats_data` reads, :mod:`.stats_cli` writes, :mod:`.stats_report`
draws the instructor's report; the formulas are :mod:`immunocourse.quiz.stats`).
"""
