"""Pulumi program: everything lives in the podpatterns library; see podpatterns.program."""

from podpatterns.program import main

main()
