"""The living demo that `make run` seeds: people, earlier rounds, real work, and their way through the DAO.

`seeding` writes the database part before the processes start (it trains real models; the worker scores
them once it runs); `story` moves the chain part forward from `chain_node --demo-story`. Every step looks
at what exists first, so a second run changes nothing and an interrupted one resumes where it stopped.
Local development chain (31337) and DEBUG only: the members' keys are anvil's public development keys.
"""
