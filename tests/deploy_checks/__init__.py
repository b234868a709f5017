"""Static checks of the deployment artefacts (docker-compose.yml, Dockerfile, deploy/k8s/).

No Docker engine or cluster is needed: the files are parsed and checked against what the code
expects (Settings fields, task-queue roles, search attributes) and against the Kubernetes schemas.
Each check returns a list of problems, so a test can both assert "none" for the repository and
assert that a deliberately broken copy is reported.
"""
