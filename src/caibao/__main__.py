from caibao.cli.app import main

main()
