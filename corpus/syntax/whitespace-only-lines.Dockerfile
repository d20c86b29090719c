FROM alpine
   
	
RUN true
  
