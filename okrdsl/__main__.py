from okrdsl._entry import main

main()
