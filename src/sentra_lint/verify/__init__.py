"""``sentra-lint verify``: the ADR controls checked against the running container's kernel.

``check`` reads what a workflow asks for; ``verify`` reads what the
container got - from ``/proc`` and ``/sys`` only, without running anything
or needing privileges - and judges it with the same rule ids and policy.

- :mod:`.fs`: reading files under a root, never outside it;
- :mod:`.probe`: the :class:`~.probe.Observation` (users, capabilities, mounts, cgroups...);
- :mod:`.controls`: each control judged, one report row each;
- :mod:`.declared`: the running job's ``container:`` from its workflow;
- :mod:`.report`, :mod:`.render`: findings and the output formats;
- :mod:`.capture`: ``--capture DIR``; :mod:`.command`: the command line.

Imported only by the ``verify`` command, so ``check`` never pays for it.
"""
